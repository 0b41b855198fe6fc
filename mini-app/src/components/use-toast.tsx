import { CheckCircle2, Info, XCircle } from "lucide-react";
import { useSnackbar } from "zmp-ui";

/** zmp-ui snackbars with lucide icons (zmp-ui's own icon font loads from a CDN). */
export function useToast() {
  const { openSnackbar } = useSnackbar();
  return {
    success: (text: string) => openSnackbar({ text, type: "success", prefixIcon: <CheckCircle2 size={20} color="#34c759" />, duration: 2500 }),
    error: (text: string) => openSnackbar({ text, type: "error", prefixIcon: <XCircle size={20} color="#ff5a5f" />, duration: 3500 }),
    info: (text: string) => openSnackbar({ text, type: "info", prefixIcon: <Info size={20} color="#7ab6ff" />, duration: 2500 }),
  };
}
