import { describe, expect, it } from "vitest";
import { birthDateProblem, birthdayInYear, birthdaysOn } from "./automations";

describe("birthdays", () => {
  it("29 February is kept on 28 February in a common year and on the 29th in a leap year", () => {
    expect(birthdayInYear("2000-02-29", 2027)).toBe("02-28");
    expect(birthdayInYear("02-29", 2028)).toBe("02-29");
    expect(birthdayInYear("02-29", 2100)).toBe("02-28"); // a century not divisible by 400 is common
    expect(birthdayInYear("1990-05-14", 2027)).toBe("05-14");
    expect(birthdaysOn("2027-02-28")).toEqual(["02-28", "02-29"]);
    expect(birthdaysOn("2028-02-28")).toEqual(["02-28"]);
    expect(birthdaysOn("2028-02-29")).toEqual(["02-29"]);
    expect(birthdaysOn("2027-03-01")).toEqual(["03-01"]);
  });

  it("a birth date is a real day, with a year from 1900 up to today", () => {
    for (const ok of ["05-14", "02-29", "1996-02-29", "1900-01-01", "2026-04-10"]) expect(birthDateProblem(ok, "2026-04-10"), ok).toBeNull();
    for (const bad of ["02-30", "04-31", "13-01", "00-10", "1997-02-29", "1899-12-31", "2026-04-11", "5-14", "2026/04/01"])
      expect(birthDateProblem(bad, "2026-04-10"), bad).not.toBeNull();
  });
});
