import { api, call } from './client'
import type { components } from './schema'

type S = components['schemas']
export type MaterialKindView = S['MaterialKindPublic']
export type Material = S['MaterialPublic']
export type ApplicationMaterials = S['ApplicationMaterialsPublic']
export type MaterialReview = S['MaterialReviewIn']

// The file goes as the raw request body (the service types it by content and refuses an
// oversized one from its length, before reading it).
const raw = (file: File) => ({
  body: file as unknown as string,
  bodySerializer: (b: unknown) => b as BodyInit,
  headers: { 'Content-Type': file.type || 'application/octet-stream' },
})

export const materialsApi = {
  list: (application_id: number) =>
    call(api.GET('/api/v1/applications/{application_id}/materials', { params: { path: { application_id } } })),
  upload: (application_id: number, kind: string, file: File) =>
    call(
      api.POST('/api/v1/applications/{application_id}/materials/{kind}', {
        params: { path: { application_id, kind }, query: { file_name: file.name } },
        ...raw(file),
      }),
    ),
  replace: (material_id: number, file: File) =>
    call(
      api.POST('/api/v1/materials/{material_id}/replace', {
        params: { path: { material_id }, query: { file_name: file.name } },
        ...raw(file),
      }),
    ),
  review: (material_id: number, body: MaterialReview) =>
    call(api.POST('/api/v1/materials/{material_id}/review', { params: { path: { material_id } }, body })),
  /** The file as a Blob (the request carries the bearer token, so no plain link). */
  content: (material_id: number) =>
    call(
      api.GET('/api/v1/materials/{material_id}/content', {
        params: { path: { material_id } },
        parseAs: 'blob',
      }),
    ) as Promise<Blob>,
}
