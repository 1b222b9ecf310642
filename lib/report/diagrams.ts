import { isKnownRegion, REGIONS } from '../../lambda/core/regions';
import { countOutboundStores, isHomeOnlyClass, isKnownDataClass, KNOWN_DATA_CLASSES } from '../vocabulary/data-classes';
import type { EvidenceModel } from './evidence-model';

/**
 * The two pictures of the evidence page, as inline SVG built from the templates' stacks and
 * `data-class` tags: the data flow (home stores → desensitizing gateway → destinations) and the
 * residency map (which region holds which class). Every text goes through `escapeHtml`.
 */

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export function regionLabel(region: string | undefined): string {
  if (region === undefined) return 'environment-agnostic';
  return isKnownRegion(region) ? `${region} (${REGIONS[region].country}, ${REGIONS[region].partition})` : region;
}

export interface ResidencyLayout {
  readonly home?: string;
  readonly destinations: readonly (string | undefined)[];
  readonly classes: readonly string[];
  /** Count of classified stores and keys per region (undefined: environment-agnostic) and class. */
  readonly counts: ReadonlyMap<string | undefined, ReadonlyMap<string, number>>;
}

/** Home is the policy's home region, else the region holding C2/C3 data, else the first stack's. */
export function residencyLayout(model: EvidenceModel): ResidencyLayout {
  const counts = new Map<string | undefined, Map<string, number>>();
  for (const resource of model.classified) {
    const perClass = counts.get(resource.region) ?? new Map<string, number>();
    perClass.set(resource.dataClass, (perClass.get(resource.dataClass) ?? 0) + 1);
    counts.set(resource.region, perClass);
  }
  const home =
    model.policy?.homeRegion ??
    model.classified.find((r) => isHomeOnlyClass(r.dataClass))?.region ??
    model.stacks.find((s) => s.region !== undefined)?.region;
  const regions = new Set<string | undefined>([...(model.policy?.allowedRegions ?? []), ...model.stacks.map((s) => s.region), ...counts.keys()]);
  regions.delete(home);
  const present = new Set(model.classified.map((r) => r.dataClass));
  const classes = [...KNOWN_DATA_CLASSES.filter((c) => present.has(c) || isHomeOnlyClass(c) || c === 'C1'), ...[...present].filter((c) => !isKnownDataClass(c)).sort()];
  return { home, destinations: [...regions].sort((a, b) => (a ?? '~').localeCompare(b ?? '~')), classes, counts };
}

function classesIn(layout: ResidencyLayout, region: string | undefined): string {
  const perClass = layout.counts.get(region);
  if (perClass === undefined || perClass.size === 0) return 'no classified stores';
  return [...perClass.entries()].map(([c, n]) => `${c} ×${n}`).join(', ');
}

function box(x: number, y: number, w: number, h: number, title: string, lines: readonly string[], tone: 'home' | 'gateway' | 'ok' | 'bad'): string {
  const text = lines.map((line, i) => `<text x="${x + 10}" y="${y + 42 + i * 16}" class="svg-small">${escapeHtml(line)}</text>`).join('');
  return `<g><rect x="${x}" y="${y}" width="${w}" height="${h}" rx="8" class="box-${tone}"/><text x="${x + 10}" y="${y + 22}" class="svg-title">${escapeHtml(title)}</text>${text}</g>`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if ((current + ' ' + word).trim().length > width) {
      lines.push(current);
      current = word;
    } else current = (current + ' ' + word).trim();
  }
  return current ? [...lines, current] : lines;
}

/** Data flow: home region stores → gateway (in home) → each destination, red where C2/C3 sits abroad. */
export function dataFlowSvg(model: EvidenceModel): string {
  const layout = residencyLayout(model);
  const rowHeight = 96;
  const height = Math.max(1, layout.destinations.length) * rowHeight + 40;
  const home = box(10, 20, 250, height - 40, `Home: ${regionLabel(layout.home)}`, wrap(classesIn(layout, layout.home), 34), 'home');
  const desensitized = countOutboundStores(model.classified, layout.home);
  const gatewayY = height / 2 - 50;
  const gateway = box(330, gatewayY, 230, 100, 'Transfer gateway (home)', ['desensitize, whitelist, declare', `outbox stores: ${desensitized}`, 'only desensitized data leaves'], 'gateway');
  const arrows: string[] = [`<line x1="260" y1="${height / 2}" x2="328" y2="${height / 2}" class="arrow-ok" marker-end="url(#arrowhead)"/>`];
  const destinations = layout.destinations.map((region, i) => {
    const y = 20 + i * rowHeight;
    const restricted = [...(layout.counts.get(region)?.keys() ?? [])].some((c) => isHomeOnlyClass(c));
    const allowed = model.policy === undefined ? undefined : region !== undefined && model.policy.allowedRegions.includes(region);
    const tone = restricted || allowed === false ? 'bad' : 'ok';
    arrows.push(`<line x1="560" y1="${gatewayY + 50}" x2="628" y2="${y + 38}" class="arrow-${tone}" marker-end="url(#arrowhead)"/>`);
    const note = restricted
      ? 'C2/C3 stored outside home!'
      : allowed === undefined
        ? 'no residency policy recorded'
        : allowed
          ? 'allowed destination'
          : 'region not in the policy!';
    return box(630, y, 300, rowHeight - 16, regionLabel(region), [...wrap(classesIn(layout, region), 40).slice(0, 2), note], tone);
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 940 ${height}" width="940" height="${height}" role="img" aria-label="Data flow from home region stores through the transfer gateway to destination regions">`,
    '<defs><marker id="arrowhead" markerWidth="10" markerHeight="8" refX="9" refY="4" orient="auto"><path d="M0,0 L10,4 L0,8 z" class="arrowhead"/></marker></defs>',
    home,
    gateway,
    ...arrows,
    ...(destinations.length > 0 ? destinations : [box(630, 20, 300, 80, 'No destination region', ['nothing leaves the home region'], 'ok')]),
    '</svg>',
  ].join('\n');
}

/** Residency map: a grid of regions × data classes, counting classified stores and keys. */
export function residencyMapSvg(model: EvidenceModel): string {
  const layout = residencyLayout(model);
  const regions = [layout.home, ...layout.destinations];
  const cellW = 90;
  const labelW = 300;
  const width = labelW + layout.classes.length * cellW + 10;
  const height = 40 + regions.length * 34 + 10;
  const header = layout.classes.map((c, i) => `<text x="${labelW + i * cellW + cellW / 2}" y="26" text-anchor="middle" class="svg-title">${escapeHtml(c)}</text>`).join('');
  const rows = regions.map((region, r) => {
    const y = 40 + r * 34;
    const isHome = r === 0;
    const label = `<text x="10" y="${y + 21}" class="svg-small">${escapeHtml(`${isHome ? 'home' : 'destination'}: ${regionLabel(region)}`)}</text>`;
    const cells = layout.classes.map((c, i) => {
      const n = layout.counts.get(region)?.get(c) ?? 0;
      const tone = n === 0 ? 'empty' : !isHome && isHomeOnlyClass(c) ? 'bad' : 'ok';
      return `<rect x="${labelW + i * cellW + 4}" y="${y}" width="${cellW - 8}" height="28" rx="4" class="cell-${tone}"/><text x="${labelW + i * cellW + cellW / 2}" y="${y + 19}" text-anchor="middle" class="svg-small">${n}</text>`;
    });
    return label + cells.join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Residency map: classified stores and keys per region and data class">`,
    header,
    ...rows,
    '</svg>',
  ].join('\n');
}
