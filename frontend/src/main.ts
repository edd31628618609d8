import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import App from './App.vue'
import { i18n, currentLang } from './i18n'
import { setupRouter } from './router'
import { permission } from './directives/permission'
import './styles.css'

const app = createApp(App)
app.use(createPinia())
app.use(i18n)
app.use(ElementPlus)
app.use(setupRouter())
app.directive('permission', permission)
document.documentElement.lang = currentLang()
app.mount('#app')
