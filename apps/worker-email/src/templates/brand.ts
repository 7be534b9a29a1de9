/** Who the email comes from, as people see it: one layout for every template draws on it. */
export interface Brand {
  name: string;
  /** An https image, shown in the header; without one the name is. */
  logoUrl?: string;
  /** Required in production: bulk mail must carry the sender's postal address. */
  postalAddress?: string;
  /** Links and buttons, as `#rrggbb`. */
  primaryColor: string;
  /** Where a person can write with a question; replies to the sender are not read. */
  supportAddress?: string;
}

export const DEFAULT_BRAND: Brand = { name: 'Nightshift', primaryColor: '#4f46e5' };
