import { OmitType } from '@nestjs/swagger';
import { OwnedListQuery } from '../../../platform/pagination/owned-list.query.js';

/** The filters of the saved queries list (`?ownerId=&q=`), for its count: no cursor or limit. */
export class SavedQueryFiltersQuery extends OmitType(OwnedListQuery, ['limit', 'cursor'] as const) {}
