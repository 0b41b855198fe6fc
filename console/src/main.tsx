import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "./console.css";
import "./crm.css";
import { ConsoleApp } from "./app";

createRoot(document.getElementById("console-root")!).render(
  <StrictMode>
    <ConsoleApp />
  </StrictMode>,
);
