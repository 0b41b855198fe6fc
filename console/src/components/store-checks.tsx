/** A chip per store, ticked for the ones in `value` (accounts, staff grants, voucher campaigns). */
export function StoreChecks(props: {
  stores: readonly { id: string; name: string }[];
  value: readonly string[];
  onChange: (ids: string[]) => void;
  testIdPrefix?: string;
}) {
  const { stores, value, onChange, testIdPrefix } = props;
  return (
    <div className="c-chips">
      {stores.map((s) => (
        <label key={s.id} className="c-chip">
          <input
            type="checkbox"
            checked={value.includes(s.id)}
            onChange={(e) => onChange(e.target.checked ? [...value, s.id] : value.filter((x) => x !== s.id))}
            data-testid={testIdPrefix ? `${testIdPrefix}${s.id}` : undefined}
          />{" "}
          {s.name}
        </label>
      ))}
    </div>
  );
}
