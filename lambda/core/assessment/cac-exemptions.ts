/**
 * Which flows the CAC Provisions on Promoting and Regulating Cross-Border Data Flows (in force
 * 22 March 2024) take out of the three mechanisms altogether, so their individuals never count
 * towards the Art. 7/Art. 8 thresholds:
 *
 * - Art. 5(1)–(3): purposes (contract necessity, HR, emergencies): see purposes.ts.
 * - Art. 4: personal information collected and produced abroad, transmitted to China for
 *   processing and sent back out, where no domestic personal information or important data was
 *   introduced during processing.
 * - Art. 6: a pilot free trade zone may publish a negative list of data that needs the mechanisms
 *   (approved by the provincial cyberspace commission, filed with the CAC and the National Data
 *   Administration); a processor in the zone sends data outside its list without them. Tianjin,
 *   Beijing, Shanghai (Lin-gang), Hainan, Zhejiang and other zones have published lists.
 *
 * This project reads Art. 6 conservatively in one respect: a flow carrying data the authorities
 * notified as important data still needs a security assessment, whatever the zone's list says,
 * because a zone's list is drawn within the national classification framework and such data belongs
 * on it. A flow that does not say which list entries cover it is treated as listed (fail closed).
 */
import { EXEMPTION_PROVISIONS, exemptionOf, type CacExemption, type Purpose } from './purposes';

/** The exporter's pilot free trade zone and the negative list it published (configuration, not code). */
export interface FreeTradeZone {
  /** The zone's name, e.g. "China (Tianjin) Pilot Free Trade Zone". */
  readonly zone: string;
  /** The published list relied on: its title, number or date, as a reviewer would look it up. */
  readonly listReference: string;
  /** The list's entries: each category of data that needs a mechanism when it leaves the zone. */
  readonly entries: readonly { readonly id: string; readonly description: string }[];
}

/** The facts of one flow that decide whether an exemption takes it out of the thresholds. */
export interface ExemptableFlow {
  readonly purpose: Purpose;
  readonly importantData: boolean;
  /**
   * Art. 4: collected and produced abroad, processed in China and sent back, with no domestic
   * personal information or important data introduced.
   * @default false
   */
  readonly collectedAbroad?: boolean;
  /**
   * Art. 6, for an exporter in a free trade zone: the zone's negative-list entries this flow's data
   * falls under. An empty list means "outside the negative list"; absent means "not assessed", which
   * counts as listed.
   * @default - not assessed: listed
   */
  readonly negativeListEntries?: readonly string[];
}

export type FlowExemption =
  | { readonly kind: 'purpose'; readonly exemption: CacExemption }
  | { readonly kind: 'collected_abroad' }
  | { readonly kind: 'outside_negative_list'; readonly zone: string };

export const ART4_PROVISION = 'CAC Provisions 2024 Art. 4';
export const ART6_PROVISION = 'CAC Provisions 2024 Art. 6';

export const ART4_REQUIREMENT =
  'carry personal information collected and produced abroad, processed in China and sent back out, with no domestic personal information or important data introduced';

/** Whether the flow's data is outside the zone's negative list (Art. 6): only when it says so, with an empty list. */
export function outsideNegativeList(flow: ExemptableFlow, zone: FreeTradeZone | undefined): boolean {
  return zone !== undefined && flow.negativeListEntries !== undefined && flow.negativeListEntries.length === 0;
}

/** The exemption that takes a flow's individuals out of the thresholds, or null when they count. */
export function flowExemption(flow: ExemptableFlow, zone: FreeTradeZone | undefined): FlowExemption | null {
  const exemption = exemptionOf(flow.purpose);
  if (exemption) return { kind: 'purpose', exemption };
  if (flow.collectedAbroad === true && !flow.importantData) return { kind: 'collected_abroad' };
  if (zone !== undefined && outsideNegativeList(flow, zone)) return { kind: 'outside_negative_list', zone: zone.zone };
  return null;
}

/** The provision and the condition behind an exemption, for reasons and memos. */
export function exemptionText(exemption: FlowExemption): { provision: string; requirement: string } {
  switch (exemption.kind) {
    case 'purpose':
      return EXEMPTION_PROVISIONS[exemption.exemption];
    case 'collected_abroad':
      return { provision: ART4_PROVISION, requirement: ART4_REQUIREMENT };
    case 'outside_negative_list':
      return {
        provision: ART6_PROVISION,
        requirement: `carry only data outside the negative list of the ${exemption.zone}, sent by a processor in the zone`,
      };
  }
}

/** A stable key grouping flows under the same exemption. */
export function exemptionKey(exemption: FlowExemption): string {
  return exemption.kind === 'purpose' ? `purpose:${exemption.exemption}` : exemption.kind;
}
