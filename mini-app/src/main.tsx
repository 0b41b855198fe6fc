import { createRoot } from "react-dom/client";
import "zmp-ui/zaui.css";
import "./styles.css";
import appConfig from "../../app-config.json";
import { App } from "./app/app";
import { boot } from "./app/boot";

// Zalo injects APP_CONFIG; outside Zalo zmp-ui still reads it.
if (!window.APP_CONFIG) window.APP_CONFIG = appConfig;

boot();
createRoot(document.getElementById("app")!).render(<App />);
