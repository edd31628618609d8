import { api, call } from './client'
import type {
  ApplicationCreate,
  ConflictKind,
  PanelDrawCreate,
  Query,
  ReviewSessionCreate,
  TransitionTarget,
  VoteChoice,
} from './types'

const sid = (session_id: number) => ({ params: { path: { session_id } } })
const aid = (application_id: number) => ({ params: { path: { application_id } } })

export const sessionsApi = {
  list: (query: Query<'/api/v1/review-sessions'> = {}) =>
    call(api.GET('/api/v1/review-sessions', { params: { query } })),
  get: (session_id: number) => call(api.GET('/api/v1/review-sessions/{session_id}', sid(session_id))),
  create: (body: ReviewSessionCreate) => call(api.POST('/api/v1/review-sessions', { body })),
  transition: (session_id: number, target: TransitionTarget, version?: number, override_reason?: string) =>
    call(
      api.POST('/api/v1/review-sessions/{session_id}/transition', {
        ...sid(session_id),
        body: override_reason ? { target, version, override_reason } : { target, version },
      }),
    ),
  /** Each state the session may move to next, with what blocks it now. */
  nextSteps: (session_id: number) =>
    call(api.GET('/api/v1/review-sessions/{session_id}/next-steps', sid(session_id))),
  file: (session_id: number, version?: number) =>
    call(
      api.POST('/api/v1/review-sessions/{session_id}/file', {
        params: { path: { session_id }, query: { version } },
      }),
    ),
  panel: (session_id: number) => call(api.GET('/api/v1/review-sessions/{session_id}/panel', sid(session_id))),
  addMember: (session_id: number, user_id: number, role: 'chair' | 'member', reason: string) =>
    call(
      api.POST('/api/v1/review-sessions/{session_id}/panel/members', {
        ...sid(session_id),
        body: { user_id, role, reason },
      }),
    ),
  removeMember: (session_id: number, member_id: number) =>
    call(
      api.DELETE('/api/v1/review-sessions/{session_id}/panel/members/{member_id}', {
        params: { path: { session_id, member_id } },
      }),
    ),
  // -- random draw (随机抽取): commit the seed, draw, read it back, verify (regulator)
  commitDraw: (session_id: number) =>
    call(api.POST('/api/v1/review-sessions/{session_id}/panel/draw/commitment', sid(session_id))),
  draw: (session_id: number, body: PanelDrawCreate) =>
    call(api.POST('/api/v1/review-sessions/{session_id}/panel/draw', { ...sid(session_id), body })),
  getDraw: (session_id: number) =>
    call(api.GET('/api/v1/review-sessions/{session_id}/panel/draw', sid(session_id))),
  verifyDraw: (session_id: number) =>
    call(api.GET('/api/v1/review-sessions/{session_id}/panel/draw/verification', sid(session_id))),
  answerSeat: (session_id: number, accept: boolean, reason?: string) =>
    call(
      api.POST('/api/v1/review-sessions/{session_id}/panel/response', {
        ...sid(session_id),
        body: { accept, reason: reason || undefined },
      }),
    ),
  conflicts: (session_id: number) =>
    call(api.GET('/api/v1/review-sessions/{session_id}/conflicts', sid(session_id))),
  detectConflicts: (session_id: number) =>
    call(api.POST('/api/v1/review-sessions/{session_id}/conflicts/detection', sid(session_id))),
  declareConflict: (
    session_id: number,
    body: { application_id: number; panel_member_id?: number | null; kind: ConflictKind; reason: string },
  ) => call(api.POST('/api/v1/review-sessions/{session_id}/conflicts', { ...sid(session_id), body })),
  resolveConflict: (conflict_id: number, status: 'confirmed' | 'dismissed', reason: string) =>
    call(
      api.POST('/api/v1/conflicts/{conflict_id}/resolution', {
        params: { path: { conflict_id } },
        body: { status, reason },
      }),
    ),
  applications: (session_id: number, status?: 'eligible' | 'ineligible' | 'withdrawn') =>
    call(
      api.GET('/api/v1/review-sessions/{session_id}/applications', {
        params: { path: { session_id }, query: { status } },
      }),
    ),
  apply: (session_id: number, body: ApplicationCreate) =>
    call(api.POST('/api/v1/review-sessions/{session_id}/applications', { ...sid(session_id), body })),
  notice: (session_id: number) => call(api.GET('/api/v1/review-sessions/{session_id}/notice', sid(session_id))),
  objections: (session_id: number) =>
    call(api.GET('/api/v1/review-sessions/{session_id}/objections', sid(session_id))),
  raiseObjection: (session_id: number, application_id: number, reason: string) =>
    call(
      api.POST('/api/v1/review-sessions/{session_id}/objections', {
        ...sid(session_id),
        body: { application_id, reason },
      }),
    ),
  resolveObjection: (objection_id: number, status: 'upheld' | 'dismissed', reason: string) =>
    call(
      api.POST('/api/v1/objections/{objection_id}/resolution', {
        params: { path: { objection_id } },
        body: { status, reason },
      }),
    ),
}

export const applicationsApi = {
  get: (application_id: number) => call(api.GET('/api/v1/applications/{application_id}', aid(application_id))),
  withdraw: (application_id: number) =>
    call(api.POST('/api/v1/applications/{application_id}/withdraw', aid(application_id))),
  scores: (application_id: number) =>
    call(api.GET('/api/v1/applications/{application_id}/scores', aid(application_id))),
  saveScores: (application_id: number, values: Record<string, number>, comments: Record<string, string>) =>
    call(
      api.PUT('/api/v1/applications/{application_id}/scores/mine', {
        ...aid(application_id),
        body: { values, comments },
      }),
    ),
  submitScores: (application_id: number) =>
    call(api.POST('/api/v1/applications/{application_id}/scores/mine/submit', aid(application_id))),
  vote: (application_id: number, choice: VoteChoice) =>
    call(api.POST('/api/v1/applications/{application_id}/vote', { ...aid(application_id), body: { choice } })),
  decision: (application_id: number) =>
    call(api.GET('/api/v1/applications/{application_id}/decision', aid(application_id))),
}
