export { sessionState, type SessionState } from "./state";
export { useSignIn, useCustomer, useSessionState, toFailure } from "./use-session";
export { fetchMe, sharePhone, followOa, startBootSignIn, signIn } from "./api";
export { roleLabel } from "./labels";
