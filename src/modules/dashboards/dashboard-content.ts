import { Injectable } from '@nestjs/common';

/**
 * What a dashboard holds besides its own row: its widgets. The widgets module owns them and
 * registers itself here at start-up, so the dependency between the two modules points one way
 * (widgets → dashboards): dashboards reads and restores its contents through this interface without
 * importing anything of the widgets module, and widgets edits through DashboardsService.
 */
export interface DashboardContent {
  /** SQL of a jsonb array: the contents of the dashboard at `dashboardAlias`, as the API shows them, in order. Static SQL. */
  jsonOf(dashboardAlias: string): string;
  /**
   * The members of each item that may be large (a widget's query and config): history keeps each
   * distinct combination of them once, so a change that leaves them alone costs bytes, not copies.
   */
  readonly largeMembers: readonly string[];
  /** Replaces the dashboard's contents with those of a history snapshot (its `widgets`). */
  restore(dashboardId: string, snapshot: unknown[]): Promise<void>;
  /** The rightmost grid column any content reaches (0 when empty): a layout may not shrink below it. */
  widestExtent(dashboardId: string): Promise<number>;
}

/** Holds the registered content; without one (a build without widgets), dashboards are empty. */
@Injectable()
export class DashboardContents implements DashboardContent {
  private content?: DashboardContent;

  register(content: DashboardContent): void {
    this.content = content;
  }

  jsonOf(dashboardAlias: string): string {
    return this.content?.jsonOf(dashboardAlias) ?? `'[]'::jsonb`;
  }

  get largeMembers(): readonly string[] {
    return this.content?.largeMembers ?? [];
  }

  async restore(dashboardId: string, snapshot: unknown[]): Promise<void> {
    await this.content?.restore(dashboardId, snapshot);
  }

  async widestExtent(dashboardId: string): Promise<number> {
    return (await this.content?.widestExtent(dashboardId)) ?? 0;
  }
}
