import { csvCell, csvTable } from './csv';

describe('csvCell', () => {
  it('quotes text, doubling quotes, and keeps commas and line breaks inside the cell', () => {
    expect(csvCell('a "b", c\nd')).toBe('"a ""b"", c\nd"');
  });

  it("prefixes text that a spreadsheet would run as a formula with '", () => {
    for (const text of ['=1+1', '+cmd', '-2+3', '@SUM(A1)', '\tx', '\rx']) expect(csvCell(text)).toBe(`"'${text}"`);
    expect(csvCell('a=1')).toBe('"a=1"');
  });

  it('writes numbers bare (negative ones too), and no value as an empty cell', () => {
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(true)).toBe('true');
  });
});

describe('csvTable', () => {
  it('writes a header row and CRLF line ends', () => {
    expect(csvTable(['a', 'b'], [[1, 'x'], [null, '=y']])).toBe('"a","b"\r\n1,"x"\r\n,"\'=y"\r\n');
  });
});
