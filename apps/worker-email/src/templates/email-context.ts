import { createContext, useContext } from 'react';

/** What the layout needs beyond a template's own data: set per send by `renderEmail`. */
export interface EmailContextValue {
  /** Bulk mail only: the signed one-click unsubscribe link, shown in the footer as well as in the headers. */
  unsubscribeUrl?: string;
}

export const EmailContext = createContext<EmailContextValue>({});

export const useEmailContext = () => useContext(EmailContext);
