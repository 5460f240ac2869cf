import { TextField } from '@mui/material';
import { useEffect, useState } from 'react';

/**
 * A group ref typed as text (`team-a` or `group:default/team-a`), applied on Enter or when the field
 * loses focus, so each keystroke does not start a request.
 */
export function GroupRefField(props: { label: string; value: string; onChange(groupRef: string): void; helperText?: string }) {
  const { label, value, onChange } = props;
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const apply = () => {
    if (text.trim() !== value) onChange(text.trim());
  };
  return (
    <TextField
      label={label}
      size="small"
      value={text}
      placeholder="group:default/team-a"
      helperText={props.helperText ?? 'A group ref; press Enter to apply'}
      onChange={event => setText(event.target.value)}
      onBlur={apply}
      onKeyDown={event => {
        if (event.key === 'Enter') apply();
      }}
    />
  );
}
