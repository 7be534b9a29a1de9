import { createContext, useContext } from 'react';
import { type Brand, DEFAULT_BRAND } from './brand.js';

/** What the layout needs beyond a template's own data: set per send by `renderEmail`. */
export interface EmailContextValue {
  brand: Brand;
  /** The subject, which is also the HTML document's title. */
  subject: string;
  /** Bulk mail only: the signed one-click unsubscribe link, shown in the footer as well as in the headers. */
  unsubscribeUrl?: string;
}

export const EmailContext = createContext<EmailContextValue>({ brand: DEFAULT_BRAND, subject: '' });

export const useEmailContext = () => useContext(EmailContext);
