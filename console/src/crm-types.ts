import type { SegmentGroup } from "@mc/shared";

/** Shapes the segments API answers (server/src/modules/segments/service.ts and routes.ts). */
export type SegmentView = {
  id: string;
  name: string;
  description: string;
  version: number;
  rules: SegmentGroup;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
};
export type SegmentVersion = { version: number; name: string; rules: SegmentGroup; changedBy: string; createdAt: string };
export type SegmentDetail = SegmentView & { versions: SegmentVersion[] };
export type SegmentPreview = { count: number; sample: { id: string; name: string; memberCode: string; tier: { key: string; name: string } }[] };

export type Tier = { key: string; name: string };
export type TagCount = { tag: string; count: number };
