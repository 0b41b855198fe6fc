import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";

const BRUSH = 22;
const REVEAL_AT = 0.45;

/**
 * A silver layer on a canvas over the outcome the server already drew. Scratching (finger or mouse)
 * erases it; past ~45 % cleared, or on "Mở nhanh", the rest goes. Scratching is disabled until
 * `ready` (the outcome is known), so the card never shows anything the server did not decide.
 */
export function ScratchCard({
  ready,
  reducedMotion,
  onRevealed,
  children,
}: {
  ready: boolean;
  reducedMotion: boolean;
  onRevealed: () => void;
  children: ReactNode;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [revealed, setRevealed] = useState(false);
  const drawing = useRef(false);
  const moves = useRef(0);
  const done = useRef(onRevealed);
  done.current = onRevealed;

  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext("2d");
    if (!el || !ctx) return;
    const dpr = Math.min(window.devicePixelRatio || 1, 2);
    const { width, height } = el.getBoundingClientRect();
    el.width = Math.round(width * dpr);
    el.height = Math.round(height * dpr);
    ctx.scale(dpr, dpr);
    const g = ctx.createLinearGradient(0, 0, width, height);
    g.addColorStop(0, "#c9ced6");
    g.addColorStop(0.5, "#eef1f5");
    g.addColorStop(1, "#b7bec9");
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, width, height);
    ctx.fillStyle = "rgba(255,255,255,0.35)";
    for (let x = -height; x < width; x += 18) {
      ctx.beginPath();
      ctx.moveTo(x, height);
      ctx.lineTo(x + height, 0);
      ctx.lineTo(x + height + 6, 0);
      ctx.lineTo(x + 6, height);
      ctx.fill();
    }
    ctx.fillStyle = "#5b6472";
    ctx.font = "700 18px -apple-system, system-ui, Roboto, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText("CÀO TẠI ĐÂY", width / 2, height / 2);
  }, []);

  const isRevealed = useRef(false);
  const reveal = useCallback(() => {
    if (isRevealed.current) return;
    isRevealed.current = true;
    setRevealed(true);
    setTimeout(() => done.current(), reducedMotion ? 0 : 450);
  }, [reducedMotion]);

  function clearedShare(ctx: CanvasRenderingContext2D, el: HTMLCanvasElement) {
    const { data } = ctx.getImageData(0, 0, el.width, el.height);
    let clear = 0;
    let total = 0;
    for (let i = 3; i < data.length; i += 4 * 16) {
      total++;
      if (data[i]! < 128) clear++;
    }
    return total ? clear / total : 0;
  }

  function scratch(e: React.PointerEvent<HTMLCanvasElement>) {
    const el = canvas.current;
    const ctx = el?.getContext("2d");
    if (!el || !ctx || !ready || revealed) return;
    const r = el.getBoundingClientRect();
    ctx.globalCompositeOperation = "destination-out";
    ctx.beginPath();
    ctx.arc(e.clientX - r.left, e.clientY - r.top, BRUSH, 0, Math.PI * 2);
    ctx.fill();
    if (++moves.current % 6 === 0 && clearedShare(ctx, el) >= REVEAL_AT) reveal();
  }

  return (
    <div
      className={`game-scratch${ready ? " ready" : ""}${revealed ? " revealed" : ""}${reducedMotion ? " still" : ""}`}
      data-testid="game-scratch"
      data-revealed={revealed ? "true" : "false"}
    >
      <div className="game-scratch-prize">{ready ? children : null}</div>
      <canvas
        ref={canvas}
        className="game-scratch-foil"
        aria-label="Lớp phủ thẻ cào"
        onPointerDown={(e) => {
          drawing.current = true;
          e.currentTarget.setPointerCapture?.(e.pointerId);
          scratch(e);
        }}
        onPointerMove={(e) => drawing.current && scratch(e)}
        onPointerUp={() => (drawing.current = false)}
        onPointerCancel={() => (drawing.current = false)}
      />
      {ready && !revealed ? (
        <button type="button" className="game-link-btn game-scratch-quick" onClick={reveal} data-testid="game-scratch-reveal">
          Mở nhanh
        </button>
      ) : null}
    </div>
  );
}
