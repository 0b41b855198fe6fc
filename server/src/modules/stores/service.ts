import { randomUUID } from "node:crypto";
import {
  ErrorCode,
  isOpenAt,
  nextOpening,
  pickupSlots,
  PICKUP_LEAD_MINUTES,
  PICKUP_STEP_MINUTES,
  slotsByDate,
  storeStatus,
  type AdminStore,
  type Pickup,
  type PickupSlotsView,
  type PublicStore,
  type StoreCreateInput,
  type StoreHours,
  type StoreSettingsInput,
  type StoreStatusView,
} from "@mc/shared";
import type { Db } from "../../db/client";
import { tx } from "../../db/client";
import { AppError } from "../../errors";
import { audit, SYSTEM, type Actor } from "../../lib/audit";
import type { StoreRepoSync, StoreRow } from "./repo";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
/** Pickup days offered: the first two local days that have a slot, looked for within the week an order may be ahead. */
const PICKUP_DAYS_SHOWN = 2;
const PICKUP_DAYS_SEARCHED = 7;

/**
 * The shop's stores and their opening hours. Rules kept here (and tested in stores.test.ts):
 * - A store without hours of its own is open all day, every day, in the shop's time zone (SHOP_TIME_ZONE): stores
 *   made before hours existed, and tests' stores, take orders at any hour until the shop sets hours.
 * - An admin's save of a store's settings is all or nothing, checked by the shared schema (StoreSettingsInput).
 * - Ordering (`assertTakesOrder`, called by the orders module before anything is written): an inactive store takes
 *   no order; a table order needs the store open now; a pickup must fall inside the opening hours. The preparation
 *   lead only shapes the times offered (`pickupSlots`): a time inside the hours is accepted, as the orders module
 *   already accepts one a few minutes past (a slow submit).
 */
export function createStoreService(deps: { db: Db; repo: StoreRepoSync; now: () => number; timeZone: string }) {
  const { db, repo, now } = deps;

  const hoursOf = (s: StoreRow): StoreHours => ({ timeZone: s.timeZone ?? deps.timeZone, week: JSON.parse(s.week), exceptions: JSON.parse(s.exceptions) });

  function statusView(h: StoreHours, at: number): StoreStatusView {
    const s = storeStatus(h, at);
    return { openNow: s.openNow, closesAt: iso(s.closesAt), opensAt: iso(s.opensAt), today: s.today, todayNote: s.todayNote, at: iso(at)! };
  }

  function toAdmin(s: StoreRow, at = now()): AdminStore {
    const h = hoursOf(s);
    return {
      id: s.id,
      name: s.name,
      address: s.address,
      active: s.active,
      closedReason: s.closedReason,
      timeZone: h.timeZone,
      week: h.week,
      exceptions: h.exceptions,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
      status: statusView(h, at),
      lat: s.lat,
      lng: s.lng,
    };
  }

  function toPublic(s: StoreRow, at = now()): PublicStore {
    const h = hoursOf(s);
    return { id: s.id, name: s.name, address: s.address, timeZone: h.timeZone, status: statusView(h, at), lat: s.lat, lng: s.lng };
  }

  function row(id: string) {
    const s = repo.byId(id);
    if (!s) throw new AppError(ErrorCode.STORE_NOT_FOUND, `Store ${id} not found`);
    return s;
  }

  // ---- admin ----

  function create(p: StoreCreateInput, actor: Actor = SYSTEM): AdminStore {
    const id = p.id ?? randomUUID();
    const at = now();
    tx(db, () => {
      const inserted = repo.insert({
        id,
        name: p.name,
        address: p.address ?? "",
        createdAt: at,
        ...(p.week ? { week: JSON.stringify(p.week) } : {}),
        ...(p.exceptions ? { exceptions: JSON.stringify(p.exceptions) } : {}),
        timeZone: p.timeZone ?? null,
        lat: p.lat ?? null,
        lng: p.lng ?? null,
      });
      if (!inserted) throw new AppError(ErrorCode.CONFLICT, `Store ${id} already exists`);
      audit(db, { actor, action: "store.create", targetId: id, storeId: id, details: p, at });
    });
    return toAdmin(row(id), at);
  }

  /** Every setting at once: the schema has checked the body, so this writes it whole or (no store) nothing. */
  function update(actor: Actor, id: string, input: StoreSettingsInput): AdminStore {
    const at = now();
    tx(db, () => {
      const changed = repo.update(id, {
        name: input.name,
        address: input.address,
        active: input.active,
        closedReason: input.active ? null : input.closedReason,
        timeZone: input.timeZone,
        week: JSON.stringify(input.week),
        exceptions: JSON.stringify(input.exceptions),
        lat: input.lat ?? null,
        lng: input.lng ?? null,
        updatedAt: at,
      });
      if (!changed) throw new AppError(ErrorCode.STORE_NOT_FOUND, `Store ${id} not found`);
      audit(db, { actor, action: "store.update", targetId: id, storeId: id, details: input, at });
    });
    return toAdmin(row(id), at);
  }

  function setActive(actor: Actor, id: string, active: boolean, reason: string | null) {
    const at = now();
    tx(db, () => {
      if (!repo.update(id, { active, closedReason: active ? null : reason, updatedAt: at }))
        throw new AppError(ErrorCode.STORE_NOT_FOUND, `Store ${id} not found`);
      audit(db, { actor, action: active ? "store.activate" : "store.close", targetId: id, storeId: id, details: active ? undefined : { reason }, at });
    });
    return toAdmin(row(id), at);
  }

  // ---- shoppers ----

  const publicList = (): PublicStore[] => {
    const at = now();
    return repo
      .list()
      .filter((s) => s.active)
      .map((s) => toPublic(s, at));
  };

  function activeRow(id: string) {
    const s = row(id);
    if (!s.active)
      throw new AppError(ErrorCode.STORE_UNAVAILABLE, "This store is not taking orders", s.closedReason ? { closedReason: s.closedReason } : undefined);
    return s;
  }

  /** The pickup times a shopper may choose now: on the store's grid, inside its hours, after the preparation lead. */
  function slots(id: string): PickupSlotsView {
    const s = activeRow(id);
    const at = now();
    const h = hoursOf(s);
    const all = pickupSlots(h, at, { stepMinutes: PICKUP_STEP_MINUTES, leadMinutes: PICKUP_LEAD_MINUTES, days: PICKUP_DAYS_SEARCHED });
    const days = slotsByDate(all, h.timeZone)
      .slice(0, PICKUP_DAYS_SHOWN)
      .map((d) => ({ date: d.date, slots: d.slots.map((x) => iso(x)!) }));
    return { store: toPublic(s, at), leadMinutes: PICKUP_LEAD_MINUTES, stepMinutes: PICKUP_STEP_MINUTES, days };
  }

  /** Throws why store `id` cannot take this order at `at` (nothing is written before the orders module asks). */
  function assertTakesOrder(id: string, pickup: Pickup, at: number) {
    const h = hoursOf(activeRow(id));
    if (pickup.type === "table") {
      if (!isOpenAt(h, at))
        throw new AppError(ErrorCode.STORE_CLOSED, "The store is closed now: order at the table while it is open", {
          opensAt: iso(nextOpening(h, at)),
          timeZone: h.timeZone,
        });
      return;
    }
    const when = Date.parse(pickup.at);
    if (!isOpenAt(h, when))
      throw new AppError(ErrorCode.PICKUP_OUTSIDE_HOURS, "The store is closed at that pickup time: pick a time inside its opening hours", {
        opensAt: iso(nextOpening(h, when)),
        timeZone: h.timeZone,
      });
  }

  return {
    create,
    update,
    close: (actor: Actor, id: string, reason: string | null) => setActive(actor, id, false, reason),
    activate: (actor: Actor, id: string) => setActive(actor, id, true, null),
    get: (id: string) => toAdmin(row(id)),
    adminList: () => {
      const at = now();
      return repo.list().map((s) => toAdmin(s, at));
    },
    publicList,
    slots,
    assertTakesOrder,
    /** Raw rows, for callers that only need names and ids. */
    list: repo.list,
  };
}

export type StoreService = ReturnType<typeof createStoreService>;
