import { reactive, ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { useAuthStore } from '@/stores/auth'
import { asApiError } from '@/composables/useApiError'
import { currentLang } from '@/i18n'
import { homeOf } from '@/router/routes'

export function useLogin() {
  const auth = useAuthStore()
  const router = useRouter()
  const route = useRoute()
  const form = reactive({ username: '', password: '' })
  const submitting = ref(false)
  const error = ref('')
  const expired = route.query.expired === '1'

  async function submit(): Promise<void> {
    if (!form.username || !form.password) return
    submitting.value = true
    error.value = ''
    try {
      const user = await auth.login(form.username.trim(), form.password)
      const redirect = typeof route.query.redirect === 'string' ? route.query.redirect : ''
      await router.replace(redirect && redirect.startsWith('/') && redirect !== '/' ? redirect : homeOf(user.role))
    } catch (err) {
      error.value = asApiError(err).messageIn(currentLang())
    } finally {
      submitting.value = false
    }
  }

  return { form, submitting, error, expired, submit }
}
