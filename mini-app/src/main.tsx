import { startTransition } from "react";
import { createRoot } from "react-dom/client";
import "zmp-ui/zaui.css";
import "./styles.css";
import appConfig from "../../app-config.json";
import { App } from "./app/app";
import { boot } from "./app/boot";

// Zalo injects APP_CONFIG; outside Zalo zmp-ui still reads it.
if (!window.APP_CONFIG) window.APP_CONFIG = appConfig;

boot();
// A transition: the first render yields to the sign-in's answers (each one starts the next round trip) instead of holding the main thread.
startTransition(() => createRoot(document.getElementById("app")!).render(<App />));
