// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent } from 'vue'
import { permission } from '@/directives/permission'
import { useAuthStore } from '@/stores/auth'
import type { User } from '@/api/types'

const Buttons = defineComponent({
  directives: { permission },
  template: `<div>
    <button v-permission="['regulator']" class="reg">grant</button>
    <button v-permission="['enterprise_admin', 'expert']" class="ent">publish</button>
    <button v-permission="'applicant'" class="app">apply</button>
  </div>`,
})

function as(role: User['role']) {
  const pinia = createPinia()
  setActivePinia(pinia)
  useAuthStore().user = { id: 1, username: 'u', display_name: 'u', role } as User
  return mount(Buttons, { global: { plugins: [pinia] } })
}

describe('v-permission', () => {
  beforeEach(() => localStorage.clear())

  it('keeps only the buttons of the signed-in role', () => {
    const w = as('regulator')
    expect(w.find('.reg').exists()).toBe(true)
    expect(w.find('.ent').exists()).toBe(false)
    expect(w.find('.app').exists()).toBe(false)
  })
  it('accepts several roles and a single one', () => {
    expect(as('expert').find('.ent').exists()).toBe(true)
    expect(as('applicant').find('.app').exists()).toBe(true)
  })
})
