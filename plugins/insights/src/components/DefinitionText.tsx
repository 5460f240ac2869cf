import { Fragment } from 'react';

/** A metric's definition, its `backticked` names (config keys, environments) set as code. */
export function DefinitionText({ text }: { text: string }) {
  return (
    <>
      {text.split('`').map((part, i) => (i % 2 ? <code key={i}>{part}</code> : <Fragment key={i}>{part}</Fragment>))}
    </>
  );
}
