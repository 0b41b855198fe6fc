// Tests of code not ported to the store yet build ported repos on a SQLite handle, as the container does.
import type { Db } from "./client";
import { sqliteStore, syncView, type Store, type SyncView } from "./store";

/** `make`'s repo on the store over `db`, as synchronous SQLite code sees it (see syncView). */
export const syncRepo = <R extends object>(make: (store: Store) => R, db: Db): SyncView<R> => syncView(sqliteStore(db), make(sqliteStore(db)));
