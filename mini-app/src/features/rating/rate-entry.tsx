import { useEffect } from "react";
import { useLocation, useNavigate } from "react-router-dom";
import { RATE_PARAM } from "@mc/shared/rating-rules";
import { zalo } from "../../zalo";
import { ratePath } from "./api";

let coldStartHandled = false;
const NO_ANIMATION = { replace: true, animate: false } as never;
const orderOf = (params: Record<string, string>) => {
  const id = params[RATE_PARAM]?.trim();
  return id && id.length <= 64 ? id : null;
};

/**
 * Opens the rating page from the feedback message's link (`https://zalo.me/s/<appId>/?rate=<orderId>`): on a cold
 * start from getRouteParams() (read once per page load), on a warm start from Zalo's OpenApp path "/?rate=…". The id
 * is only a hint: the server answers for the signed-in shopper's own order, or "not found".
 */
export function RateEntry() {
  const navigate = useNavigate();
  const { pathname, search } = useLocation();

  useEffect(() => {
    if (coldStartHandled) return;
    coldStartHandled = true;
    const id = orderOf(zalo.getRouteParams());
    if (id) navigate(ratePath(id), NO_ANIMATION);
  }, [navigate]);

  useEffect(() => {
    if (pathname !== "/" && pathname !== "") return;
    const id = orderOf(Object.fromEntries(new URLSearchParams(search)));
    if (id) navigate(ratePath(id), NO_ANIMATION);
  }, [pathname, search, navigate]);

  return null;
}
