import { Box } from '@mui/material';

/**
 * Remediation text, written as markdown in the Scorecard entity. Only `code spans` are rendered (the
 * common case: a field or a command); everything else stays plain text, so no HTML is ever injected.
 */
export function RemediationText({ text }: { text: string }) {
  const parts = text.split('`');
  // An odd number of backticks leaves the last one unpaired: keep it as text.
  const paired = parts.length % 2 === 1;
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 && (paired || i < parts.length - 1) ? (
          <Box key={i} component="code" sx={{ fontFamily: 'monospace', bgcolor: 'action.hover', px: 0.5, borderRadius: 0.5 }}>
            {part}
          </Box>
        ) : (
          <span key={i}>{i % 2 === 1 ? `\`${part}` : part}</span>
        ),
      )}
    </>
  );
}
