/** Named shapes from the generated schema (never hand-written copies). */
import type { components, paths } from './schema'

type S = components['schemas']

export type Role = S['Role']
export type Track = S['Track']
export type Education = S['Education']
export type TokenPair = S['TokenPair']
export type User = S['UserPublic']
export type UserCreate = S['UserCreate']
export type Enterprise = S['EnterprisePublic']
export type EnterpriseCreate = S['EnterpriseCreate']
export type Authorization = S['AuthorizationPublic']
export type AuthorizationCreate = S['AuthorizationCreate']
export type Event = S['EventPublic']
export type ChainReport = S['ChainReportPublic']
export type StandardVersion = S['StandardVersionPublic']
export type BaselineCheck = S['BaselineCheckPublic']
export type Laxity = S['LaxityPublic']
export type ApplicantFacts = S['ApplicantFacts']
export type Qualification = S['Qualification']
export type Verdict = S['Verdict']
export type RequirementResult = S['RequirementResult']
export type EquivalenceVersion = S['EquivalenceVersionPublic']
export type EquivalenceLookupIn = S['EquivalenceLookupIn']
export type EquivalenceLookup = S['EquivalenceLookupPublic']
export type EquivalenceOption = S['EquivalenceOptionPublic']
export type Filing = S['FilingPublic']
export type FilingDocument = S['FilingDocumentPublic']
export type AuditRun = S['AuditRunPublic']
export type AuditRunCreate = S['AuditRunCreate']
export type RunComparison = S['RunComparison']
export type Flag = S['FlagPublic']
export type FlagEvidence = S['FlagEvidencePublic']
export type Grade = S['GradePublic']
export type Case = S['CasePublic']
export type Measure = S['MeasurePublic']
export type MeasureKind = S['MeasureKind']
export type MyGrade = S['MyGradePublic']
export type ReviewSession = S['ReviewSessionPublic']
export type ReviewSessionCreate = S['ReviewSessionCreate']
export type SessionStatus = S['SessionStatus']
export type TransitionTarget = S['TransitionTarget']
export type Panel = S['PanelPublic']
export type PanelMember = S['PanelMemberPublic']
export type PanelDraw = S['PanelDrawPublic']
export type PanelDrawCreate = S['PanelDrawCreate']
export type DrawVerification = S['DrawVerification']
export type CreditRecord = S['CreditRecordPublic']
export type CreditRecordCreate = S['CreditRecordCreate']
export type Problem = S['ProblemPublic']
export type Conflict = S['ConflictPublic']
export type ConflictKind = S['ConflictKind']
export type Application = S['ApplicationPublic']
export type ApplicationCreate = S['ApplicationCreate']
export type Eligibility = S['EligibilityPublic']
export type Scores = S['ScoresPublic']
export type ScoreSheet = S['ScoreSheetPublic']
export type VoteChoice = S['VoteChoice']
export type Decision = S['DecisionPublic']
export type Notice = S['PublicNoticePublic']
export type Objection = S['ObjectionPublic']

/** Query parameters of a GET path, e.g. `Query<'/api/v1/flags'>`. */
export type Query<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } }
  ? NonNullable<Q>
  : never

/** A page of rows, as every list endpoint returns. */
export interface Page<T> {
  data: T[]
  count: number
}
