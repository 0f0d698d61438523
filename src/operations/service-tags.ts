import type { ApiClient, ApiResponse } from '../api/client.js';
import { servicesPath } from '../api/paths.js';
import type { ResourceTag, Service } from '../api/types.js';
import { MANAGED_BY, MARK_KEY } from '../inputs/create-service.js';
import { idProblem } from '../uuid.js';

const carries = (service: Service, tag: ResourceTag) => (service.tags ?? []).some((t) => t.key === tag.key && t.value === tag.value);

/** Made by this action: the one proof delete-service and prune-services accept. */
export const isManaged = (service: Service): boolean => carries(service, MANAGED_BY);

/** The step's own tags, as sent with its create. */
export const markTags = (mark: string): ResourceTag[] => [MANAGED_BY, { key: MARK_KEY, value: mark }];

/**
 * The organization's services that carry every one of `tags`: asked of the API with its tag
 * filter, and checked again on each answer, since a server that ignored the filter would
 * otherwise hand over services that are not the action's.
 */
export async function servicesTagged(client: ApiClient, organizationId: string, tags: ResourceTag[]): Promise<ApiResponse<Service[]>> {
  // `:` and `=` are legal in a query value; sent as the document writes them (filter=tag:K=V).
  const query = tags
    .map(
      (tag) =>
        `filter=${encodeURIComponent(`tag:${tag.key}=${tag.value ?? ''}`)
          .replace(/%3A/gi, ':')
          .replace(/%3D/gi, '=')}`,
    )
    .join('&');
  const listed = await listServices(client, `${servicesPath(organizationId)}?${query}`);
  return { ...listed, result: listed.result.filter((service) => service.id && tags.every((tag) => carries(service, tag))) };
}

/** A list of services; one whose ID is not a UUID makes the answer unreadable, never skipped. */
export function listServices(client: ApiClient, path: string): Promise<ApiResponse<Service[]>> {
  return client.list<Service>(path, (listed) =>
    idProblem(
      'service',
      listed.map((service) => service.id),
    ),
  );
}
