/** What a run did with JSM organizations (shown as `progress.organizations`). */
export interface OrganizationProgress {
  /** Organizations Jira listed. */
  read: number;
  /** Companies made for organizations no company matched. */
  created: number;
  /** Existing regular companies with the organization's name (any case) that now follow it. */
  linked: number;
  /** Synced companies that took their organization's new name. */
  renamed: number;
  /** Synced companies made regular: their organization was deleted, or syncing was turned off. */
  unlinked: number;
  /** Contacts that gained a company because their customer joined its organization. */
  membershipsAdded: number;
  /** Contacts that lost a company the sync had added because their customer left the organization. */
  membershipsRemoved: number;
  /** Organization records Jira sent that we could not use (no id or no name). */
  unreadable: number;
}

export function emptyOrganizationProgress(): OrganizationProgress {
  return {
    read: 0,
    created: 0,
    linked: 0,
    renamed: 0,
    unlinked: 0,
    membershipsAdded: 0,
    membershipsRemoved: 0,
    unreadable: 0,
  };
}

/** `a` and `b` summed; undefined when neither part counted organizations. */
export function addOrganizationProgress(
  a: OrganizationProgress | undefined,
  b: Partial<OrganizationProgress> | undefined,
): OrganizationProgress | undefined {
  if (!a && !b) return undefined;
  const sum = { ...emptyOrganizationProgress(), ...a };
  for (const key of Object.keys(sum) as (keyof OrganizationProgress)[]) sum[key] += b?.[key] ?? 0;
  return sum;
}
