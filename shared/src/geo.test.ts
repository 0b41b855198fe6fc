import { describe, expect, it } from "vitest";
import { distanceWords, haversineMeters, locationOf, nearestStore } from "./geo";

// Landmarks in Ho Chi Minh City and Hanoi.
const BEN_THANH = { lat: 10.7725, lng: 106.698 };
const NHA_THO_DUC_BA = { lat: 10.7798, lng: 106.699 };
const HO_GUOM = { lat: 21.0288, lng: 105.8525 };

describe("haversineMeters", () => {
  it("is zero for one point and symmetric", () => {
    expect(haversineMeters(BEN_THANH, BEN_THANH)).toBe(0);
    expect(haversineMeters(BEN_THANH, HO_GUOM)).toBeCloseTo(haversineMeters(HO_GUOM, BEN_THANH), 6);
  });
  it("matches known distances", () => {
    // Ben Thanh → Notre-Dame: about 820 m; Saigon → Hanoi: about 1,140 km as the crow flies.
    expect(haversineMeters(BEN_THANH, NHA_THO_DUC_BA)).toBeGreaterThan(780);
    expect(haversineMeters(BEN_THANH, NHA_THO_DUC_BA)).toBeLessThan(860);
    expect(haversineMeters(BEN_THANH, HO_GUOM) / 1000).toBeGreaterThan(1130);
    expect(haversineMeters(BEN_THANH, HO_GUOM) / 1000).toBeLessThan(1150);
  });
  it("stays finite for antipodal points", () => {
    const d = haversineMeters({ lat: 0, lng: 0 }, { lat: 0, lng: 180 });
    expect(d).toBeCloseTo(Math.PI * 6_371_008.8, 0);
  });
});

describe("nearestStore", () => {
  const near = { id: "near", lat: 10.773, lng: 106.699, openNow: false };
  const far = { id: "far", lat: 10.8, lng: 106.7, openNow: true };
  const nowhere = { id: "nowhere", lat: null, lng: null, openNow: true };
  it("prefers an open store over a nearer closed one", () => {
    expect(nearestStore(BEN_THANH, [near, far, nowhere])!.store.id).toBe("far");
  });
  it("takes the nearest when all are closed (or all open)", () => {
    expect(nearestStore(BEN_THANH, [{ ...far, openNow: false }, near])!.store.id).toBe("near");
    expect(nearestStore(BEN_THANH, [{ ...far }, { ...near, openNow: true }])!.store.id).toBe("near");
  });
  it("is null when no store has a position", () => {
    expect(nearestStore(BEN_THANH, [nowhere])).toBeNull();
    expect(nearestStore(BEN_THANH, [])).toBeNull();
  });
});

describe("distanceWords", () => {
  it("words metres and kilometres the Vietnamese way", () => {
    expect(distanceWords(3)).toBe("10 m");
    expect(distanceWords(347)).toBe("350 m");
    expect(distanceWords(1240)).toBe("1,2 km");
    expect(distanceWords(12_400)).toBe("12 km");
  });
});

describe("locationOf", () => {
  const event = (coordinates: unknown) => ({ message: { attachments: [{ type: "location", payload: { coordinates } }] } });
  it("reads Zalo's coordinates, numbers or strings", () => {
    expect(locationOf(event({ latitude: 10.77, longitude: 106.69 }))).toEqual({ lat: 10.77, lng: 106.69 });
    expect(locationOf(event({ latitude: "10.77", longitude: "106.69" }))).toEqual({ lat: 10.77, lng: 106.69 });
  });
  it("refuses missing or impossible coordinates", () => {
    expect(locationOf(event({ latitude: 91, longitude: 106 }))).toBeNull();
    expect(locationOf(event({ latitude: "", longitude: "" }))).toBeNull();
    expect(locationOf(event(undefined))).toBeNull();
    expect(locationOf({ message: { attachments: [{ type: "image", payload: {} }] } })).toBeNull();
    expect(locationOf({})).toBeNull();
  });
});
