/**
 * `v-permission="['regulator']"`: the element is removed unless the signed-in user has one of
 * the roles. It only hides buttons; the API decides what is allowed.
 */
import type { Directive, DirectiveBinding } from 'vue'
import { useAuthStore } from '@/stores/auth'
import type { Role } from '@/api/types'

function allowed(binding: DirectiveBinding<Role[] | Role>): boolean {
  const roles = Array.isArray(binding.value) ? binding.value : [binding.value]
  return useAuthStore().hasRole(...roles)
}

export const permission: Directive<HTMLElement, Role[] | Role> = {
  mounted(el, binding) {
    if (!allowed(binding)) el.parentNode?.removeChild(el)
  },
}
