import type { ReactNode } from "react";
import { Search } from "lucide-react";

/** The counter's "type the code" field: upper-cased, submits from `minLength` characters (spaces not counted, default 4) on. */
export function CodeForm(props: {
  value: string;
  onChange: (v: string) => void;
  onSubmit: (typed: string) => void;
  icon: ReactNode;
  placeholder: string;
  maxLength: number;
  label: string;
  submitLabel: string;
  testId: string;
  inputMode?: "text" | "numeric";
  minLength?: number;
}) {
  const typed = props.value.trim();
  const ready = typed.replace(/\s/g, "").length >= (props.minLength ?? 4);
  return (
    <form
      className="mcl-code-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) props.onSubmit(typed);
      }}
    >
      <label className="mcl-input">
        {props.icon}
        <input
          value={props.value}
          onChange={(e) => props.onChange(e.target.value.toUpperCase())}
          placeholder={props.placeholder}
          autoCapitalize="characters"
          autoComplete="off"
          spellCheck={false}
          maxLength={props.maxLength}
          inputMode={props.inputMode}
          aria-label={props.label}
          data-testid={`${props.testId}-input`}
        />
      </label>
      <button className="mc-btn primary mcl-inline-btn" type="submit" disabled={!ready} data-testid={`${props.testId}-submit`}>
        <Search size={18} /> {props.submitLabel}
      </button>
    </form>
  );
}
