/** Whether a PATCH body names any field besides its `version` (a body naming none changes nothing). */
export function changesAnything(changes: object): boolean {
  return Object.entries(changes).some(([field, value]) => field !== 'version' && value !== undefined);
}
