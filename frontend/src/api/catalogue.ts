/**
 * The label catalogue the service serves (`GET /api/v1/catalogue`): the name of every code the
 * API returns, in both languages. Loaded once before the app mounts; its groups become message
 * groups (`sessionStatus.voting`, `signals.rule.panel_chair`…) and fill the pick lists.
 */
import { api, call } from './client'
import type { components } from './schema'

export type Label = components['schemas']['Label']
export type Groups = Record<string, Label[]>

/** Catalogue groups shown under the message group the app has always used. */
export const MESSAGE_GROUP: Record<string, string> = {
  tracks: 'track',
  title_levels: 'levels.title',
  skill_levels: 'levels.skill',
  education: 'education',
  title_series: 'series',
  skill_trades: 'series',
  clusters: 'clusters',
  roles: 'roles',
  body_kinds: 'bodyKinds',
  authorization_statuses: 'authStatus',
  version_statuses: 'versionStatus',
  run_statuses: 'runStatus',
  run_stages: 'stages',
  severities: 'severity',
  bands: 'bands',
  case_statuses: 'caseStatus',
  measure_kinds: 'measureKinds',
  measure_statuses: 'measureStatus',
  session_statuses: 'sessionStatus',
  application_statuses: 'applicationStatus',
  conflict_kinds: 'conflictKinds',
  conflict_statuses: 'conflictStatus',
  conflict_sources: 'conflictSources',
  objection_statuses: 'objectionStatus',
  member_roles: 'memberRoles',
  requirement_kinds: 'reqKinds',
  vote_choices: 'voteChoices',
  signals: 'signals',
  detector_features: 'features',
  event_subjects: 'eventSubjects',
  event_verbs: 'eventVerbs',
  event_object_types: 'objectTypes',
  filing_sources: 'filingSources',
  equivalence_rules: 'equivalenceRules',
  equivalence_scopes: 'equivalenceScopes',
  grades: 'gradeNames',
  criteria: 'criteria',
  flag_kinds: 'flagKinds',
  flag_scopes: 'flagScopes',
  run_scopes: 'runScopes',
  standard_kinds: 'standardKinds',
}

/** Codes of each group, in the catalogue's order (the pick lists). */
export const catalogueCodes: Record<string, string[]> = {}

type Tree = { [k: string]: string | Tree }

function put(tree: Tree, path: string, code: string, text: string): void {
  let node = tree
  for (const part of path.split('.')) {
    node[part] ??= {}
    node = node[part] as Tree
  }
  // vue-i18n reads dots in a key as nesting; a code with dots (signal codes) nests too.
  const parts = code.split('.')
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] === 'string') return
    node[part] ??= {}
    node = node[part] as Tree
  }
  node[parts[parts.length - 1]!] = text
}

/** Message trees for zh-CN and en built from the catalogue's groups. */
export function catalogueMessages(groups: Groups): { 'zh-CN': Tree; en: Tree } {
  const zh: Tree = {}
  const en: Tree = {}
  for (const [group, labels] of Object.entries(groups)) {
    const path = MESSAGE_GROUP[group] ?? group
    for (const l of labels) {
      put(zh, path, l.code, l.zh)
      put(en, path, l.code, l.en)
    }
  }
  return { 'zh-CN': zh, en }
}

export function rememberCodes(groups: Groups): void {
  for (const [group, labels] of Object.entries(groups)) catalogueCodes[group] = labels.map((l) => l.code)
}

export const catalogueApi = {
  get: () => call(api.GET('/api/v1/catalogue')),
}
