import { formatNumber } from '../render/format.js';
import { context, type Block } from '../render/reply.js';

/** The same command line with its paging options replaced. */
export function withPage(line: string, limit: number, offset: number): string {
  const rest = line
    .replace(/(^|\s)(limit|offset)=\S+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return `${rest} limit=${limit} offset=${offset}`;
}

/** "Showing 21–40 of 3,412" and the command for the next page, if there is one. */
export function pageFooter(line: string, page: { limit: number; offset: number; shown: number; total: number | null | undefined }): Block {
  const { limit, offset, shown } = page;
  const total = page.total ?? offset + shown;
  if (shown === 0) return context(total > 0 ? `Nothing at offset ${offset} (there are ${formatNumber(total)}).` : 'Nothing matched.');
  const range = `Showing ${formatNumber(offset + 1)}–${formatNumber(offset + shown)} of ${formatNumber(total)}.`;
  const more = offset + shown < total ? ` Next page: \`${withPage(line, limit, offset + shown)}\`` : '';
  return context(range + more);
}
