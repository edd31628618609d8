/** The applicant's facts as a form model, and the ApplicantFacts body the API expects. */
import { reactive } from 'vue'
import type { ApplicantFacts, Education, Track } from '@/api/types'

export interface QualificationRow { track: Track; series: string; level: string; obtained_on: string }

export function blankFacts() {
  return {
    education: 'bachelor' as Education,
    qualifications: [{ track: 'title', series: 'engineering', level: 'assistant', obtained_on: '2020-07-01' }] as QualificationRow[],
    years_in_occupation: 6,
    certificates: [] as string[],
    appraisal_years: [] as number[],
    ce_years: [] as number[],
    ce_hours: 90,
    frontline_post: false,
    awards: [] as string[],
  }
}

export type FactsModel = ReturnType<typeof blankFacts>

export function useFactsForm() {
  const facts = reactive(blankFacts())
  function toFacts(asOf = new Date().toISOString().slice(0, 10)): ApplicantFacts {
    return {
      as_of: asOf,
      education: facts.education,
      qualifications: facts.qualifications.map((q) => ({ ...q })),
      years_in_occupation: facts.years_in_occupation,
      certificates: [...facts.certificates],
      appraisals: facts.appraisal_years.map((year) => ({ year, passed: true })),
      continuing_education_hours: Object.fromEntries(facts.ce_years.map((y) => [String(y), facts.ce_hours])),
      frontline_post: facts.frontline_post,
      awards: [...facts.awards],
    }
  }
  return { facts, toFacts }
}
