import { session } from "./api";

/** "admin:<id>" as the console shows it: the signed-in admin by email, others by their id. */
export function actorName(by: string) {
  const me = session.admin();
  if (me && by === `admin:${me.id}`) return me.email;
  const [kind, id] = by.split(":");
  return kind === "admin" ? `quản trị ${id}` : (id ?? by);
}
