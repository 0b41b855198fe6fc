import { randomBytes } from "node:crypto";
import { ErrorCode, SegmentRules, tierFor, type SegmentGroup, type SegmentInput, type SegmentPolicy } from "@mc/shared";
import type { SliceOptions } from "../../db/chunked";
import { q, type Step, type Store, type SyncView } from "../../db/store";
import { AppError } from "../../errors";
import type { Principal } from "../../http/auth";
import { actorOf, audit } from "../../lib/audit";
import type { LoyaltyRepo } from "../loyalty/repo";
import { formatMemberCode } from "../loyalty/service";
import { compileSegment, type CompiledSegment, type SegmentRepo, type SegmentRow } from "./repo";

const DAY = 86_400_000;
const SAMPLE = 20;
const iso = (ms: number) => new Date(ms).toISOString();

export function createSegmentService(deps: {
  store: Store;
  repo: SegmentRepo;
  loyaltyRepo: Pick<LoyaltyRepo, "currentRules">;
  /** The warming rules in force: the CS window and fatigue the send policy uses. */
  policy: () => SegmentPolicy;
  /** The shop's time zone (SHOP_TIME_ZONE): "birthday this month" is the shop's month. */
  timeZone: string;
  now: () => number;
  /** How counts are sliced (default: sized to a few ms per slice). */
  slices?: SliceOptions;
}) {
  const { store, repo, now } = deps;
  const by = (actor: Principal) => `${actorOf(actor).kind}:${actor.id}`;

  /** The rules as one SQL condition now, in the store's dialect (VALIDATION_FAILED for a tier the loyalty rules do not have). */
  function* compileStep(rules: SegmentGroup): Step<CompiledSegment> {
    const loyalty = (yield* q(deps.loyaltyRepo.currentRules())).rules;
    return compileSegment(rules, { now: now(), timeZone: deps.timeZone, policy: deps.policy(), loyalty, dialect: store.dialect });
  }

  function* row(id: string): Step<SegmentRow> {
    const r = yield* q(repo.byId(id));
    if (!r) throw new AppError(ErrorCode.NOT_FOUND, "Segment not found");
    return r;
  }
  const rulesOf = (r: { rules: string }) => SegmentRules.parse(JSON.parse(r.rules)) as SegmentGroup;
  const view = (r: SegmentRow) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    version: r.version,
    rules: rulesOf(r),
    createdBy: r.createdBy,
    createdAt: iso(r.createdAt),
    updatedBy: r.updatedBy,
    updatedAt: iso(r.updatedAt),
  });

  const create = (actor: Principal, input: SegmentInput) =>
    store.tx(function* () {
      yield* compileStep(input.rules);
      // Drawn inside the body: a rerun (PostgreSQL) draws again, nothing of the first attempt was kept.
      const id = `sg${randomBytes(6).toString("base64url")}`;
      const at = now();
      yield* q(
        repo.insert({
          id,
          name: input.name,
          description: input.description,
          version: 1,
          rules: JSON.stringify(input.rules),
          createdBy: by(actor),
          createdAt: at,
          updatedBy: by(actor),
          updatedAt: at,
          deletedAt: null,
        }),
      );
      yield* q(audit(store, { actor: actorOf(actor), action: "segment.create", targetId: id, details: { version: 1 }, at }));
      return view(yield* row(id));
    });

  /** An edit is a new version; the old ones stay, each with its rules. */
  const update = (actor: Principal, id: string, input: SegmentInput) =>
    store.tx(function* () {
      yield* compileStep(input.rules);
      const at = now();
      const current = yield* row(id);
      if (
        !(yield* q(
          repo.update(id, current.version, { name: input.name, description: input.description, rules: JSON.stringify(input.rules), by: by(actor), at }),
        ))
      )
        throw new AppError(ErrorCode.CONFLICT, "The segment changed meanwhile");
      yield* q(audit(store, { actor: actorOf(actor), action: "segment.update", targetId: id, details: { version: current.version + 1 }, at }));
      return view(yield* row(id));
    });

  const remove = (actor: Principal, id: string) =>
    store.tx(function* () {
      if (!(yield* q(repo.remove(id, now())))) throw new AppError(ErrorCode.NOT_FOUND, "Segment not found");
      yield* q(audit(store, { actor: actorOf(actor), action: "segment.delete", targetId: id, at: now() }));
      return { deleted: true };
    });

  const get = (id: string) =>
    store.read(function* () {
      const r = yield* row(id);
      const versions = yield* q(repo.versions(id));
      return {
        ...view(r),
        versions: versions.map((v) => ({ version: v.version, name: v.name, rules: rulesOf(v), changedBy: v.changedBy, createdAt: iso(v.createdAt) })),
      };
    });

  /** The editor's live figures: how many match now and a sample of 20 (name, member code, tier). */
  async function preview(rules: SegmentGroup) {
    const w = await store.read(() => compileStep(rules));
    const loyalty = (await deps.loyaltyRepo.currentRules()).rules;
    const { count, sample } = await repo.countAndSample(w, { sample: SAMPLE, earnedSince: now() - loyalty.tierWindowDays * DAY, slices: deps.slices });
    return {
      count,
      sample: sample.map((p) => {
        const { tier } = tierFor(loyalty, p.earned);
        return { id: p.id, name: p.name, memberCode: formatMemberCode(p.memberCode), tier: { key: tier.key, name: tier.name } };
      }),
    };
  }

  /** What a broadcast records of a saved segment when it is created: the version in force and its rules. */
  const snapshot = (id: string) =>
    store.read(function* () {
      const r = yield* row(id);
      return { id: r.id, version: r.version, rules: rulesOf(r) };
    });

  /** Whether a person is in a saved segment now (null when the segment was deleted). */
  // A million due timers ask about one segment: its rules are compiled once a minute (relative dates move that slowly), per version.
  const compiled = new Map<string, { at: number; where: CompiledSegment }>();
  const contains = (id: string, customerId: string) =>
    store.read(function* () {
      const r = yield* q(repo.byId(id));
      if (!r) return null;
      const key = `${r.id}:${r.version}`;
      let hit = compiled.get(key);
      if (!hit || now() - hit.at > 60_000 || now() < hit.at) {
        const where = yield* compileStep(rulesOf(r));
        if (compiled.size > 100) compiled.clear();
        hit = { at: now(), where };
        compiled.set(key, hit);
      }
      return yield* q(repo.isMember(hit.where, customerId));
    });

  return {
    create,
    update,
    contains,
    exists: (id: string) =>
      store.read(function* () {
        return (yield* q(repo.byId(id))) !== undefined;
      }),
    remove,
    get,
    list: () =>
      store.read(function* () {
        return (yield* q(repo.list())).map(view);
      }),
    preview,
    previewSaved: async (id: string) => preview(rulesOf(await store.read(() => row(id)))),
    snapshot,
    compile: (rules: SegmentGroup) => store.read(() => compileStep(rules)),
  };
}

export type SegmentService = ReturnType<typeof createSegmentService>;
/** The service as synchronous SQLite code not ported yet sees it (automations, messaging). */
export type SegmentServiceSync = SyncView<SegmentService>;
