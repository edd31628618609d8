import { reactive, ref, computed, watch } from 'vue'
import { equivalenceApi } from '@/api/standards'
import type { Education, EquivalenceLookup, EquivalenceLookupIn, Track } from '@/api/types'
import { useFormErrors } from '@/composables/useApiError'
import { levelsOf, seriesOf } from '@/api/codes'

function today(): string {
  return new Date().toISOString().slice(0, 10)
}

export function useEquivalence() {
  const form = reactive({
    track: 'skill' as Track,
    series: 'welder',
    level: 'grade2',
    obtained_on: '2022-01-01',
    more: false,
    education: 'secondary_vocational',
    frontline_post: true,
    appraisal_years: [] as number[],
    ce_hours: 90,
    ce_years: [] as number[],
    enterprise_id: null as number | null,
  })
  const result = ref<EquivalenceLookup | null>(null)
  const loading = ref(false)
  const { errors, capture, clear } = useFormErrors('holding.')

  const levels = computed(() => levelsOf(form.track))
  const seriesOptions = computed(() => seriesOf(form.track))
  const recentYears = computed(() => {
    const y = new Date().getFullYear()
    return [y - 1, y - 2, y - 3, y - 4, y - 5]
  })

  watch(
    () => form.track,
    (track) => {
      form.level = levelsOf(track)[Math.min(4, levelsOf(track).length - 1)] ?? ''
      form.series = seriesOf(track)[0] ?? ''
    },
  )

  function body(): EquivalenceLookupIn {
    const holding = { track: form.track, series: form.series, level: form.level, obtained_on: form.obtained_on }
    const out: EquivalenceLookupIn = { holding, as_of: today(), enterprise_id: form.enterprise_id ?? undefined }
    if (form.more) {
      out.facts = {
        as_of: today(),
        education: form.education as Education,
        years_in_occupation: 0,
        qualifications: [],
        certificates: [],
        awards: [],
        frontline_post: form.frontline_post,
        appraisals: form.appraisal_years.map((year) => ({ year, passed: true })),
        continuing_education_hours: Object.fromEntries(form.ce_years.map((y) => [String(y), form.ce_hours])),
      }
    }
    return out
  }

  async function lookup(): Promise<void> {
    loading.value = true
    clear()
    try {
      result.value = await equivalenceApi.lookup(body())
    } catch (err) {
      capture(err)
    } finally {
      loading.value = false
    }
  }

  return { form, result, loading, errors, levels, seriesOptions, recentYears, lookup }
}
