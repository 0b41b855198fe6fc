import type { FastifyInstance } from "fastify";
import type { Config } from "../config";

/**
 * Zalo's domain verification (Mini App console → the API's domain): Zalo gives a file to place at the site's
 * root and fetches `https://<domain>/<name>.html`. Name and content come from config, exactly as Zalo gave
 * them, so verifying a new domain is a config change, not a deploy. Nothing is registered without them.
 */
export function domainVerificationRoute(app: FastifyInstance, config: Pick<Config, "ZALO_DOMAIN_VERIFY_FILE" | "ZALO_DOMAIN_VERIFY_CONTENT">) {
  const name = config.ZALO_DOMAIN_VERIFY_FILE;
  const content = config.ZALO_DOMAIN_VERIFY_CONTENT;
  if (!name || content === undefined) return;
  app.get(
    `/${name}.html`,
    { config: { access: "public" }, schema: { tags: ["ops"], summary: "Zalo's domain-verification file (ZALO_DOMAIN_VERIFY_FILE)", hide: true } },
    async (_req, reply) => reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").send(content),
  );
}
