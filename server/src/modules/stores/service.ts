import { randomUUID } from "node:crypto";
import { ErrorCode } from "@mc/shared";
import { AppError } from "../../errors";
import type { StoreRepo } from "./repo";

export function createStoreService(deps: { repo: StoreRepo; now: () => number }) {
  const { repo, now } = deps;

  function create(p: { id?: string; name: string; address?: string }) {
    const id = p.id ?? randomUUID();
    if (!repo.insert({ id, name: p.name, address: p.address ?? "", createdAt: now() })) throw new AppError(ErrorCode.CONFLICT, `Store ${id} already exists`);
    return repo.byId(id)!;
  }

  return { create, list: repo.list };
}

export type StoreService = ReturnType<typeof createStoreService>;
