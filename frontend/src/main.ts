import { createApp } from 'vue'
import { createPinia } from 'pinia'
import { installElementPlus } from './plugins/element'
import 'element-plus/dist/index.css'
import App from './App.vue'
import { i18n, currentLang, installCatalogue } from './i18n'
import { catalogueApi, catalogueMessages, rememberCodes } from './api/catalogue'
import { setupRouter } from './router'
import { permission } from './directives/permission'
import './styles.css'

/** Names of codes come from the service; without them the app still works, showing codes. */
async function loadCatalogue(): Promise<void> {
  try {
    const { groups } = await catalogueApi.get()
    rememberCodes(groups)
    installCatalogue(catalogueMessages(groups))
  } catch (err) {
    console.warn('label catalogue not loaded', err)
  }
}

const app = createApp(App)
app.use(createPinia())
app.use(i18n)
installElementPlus(app)
app.use(setupRouter())
app.directive('permission', permission)
document.documentElement.lang = currentLang()
void loadCatalogue().then(() => app.mount('#app'))
