import { useState } from "react";

/** Avatar with initials fallback (Zalo avatars may be missing or unreachable). */
export function UserAvatar({ src, name, size = 56 }: { src: string | null | undefined; name: string; size?: number }) {
  const [broken, setBroken] = useState(false);
  const initials = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(-2)
    .map((w) => w[0]!.toUpperCase())
    .join("");
  return (
    <span className="mc-avatar" style={{ width: size, height: size, fontSize: size * 0.38 }}>
      {src && !broken ? <img src={src} alt={name} onError={() => setBroken(true)} /> : <span>{initials || "?"}</span>}
    </span>
  );
}
