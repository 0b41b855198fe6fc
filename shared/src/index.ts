export * from "./errors";
export * from "./identity";
export * from "./loyalty";
export * from "./vouchers";
export * from "./games";
export * from "./messaging";
export * from "./orders";
export * from "./counter-rules";
