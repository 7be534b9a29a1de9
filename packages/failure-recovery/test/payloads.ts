/** Valid request bodies the scenarios send, one place so every scenario speaks the same contracts. */

export const welcomeEmail = (index: number) => ({
  name: 'welcome',
  data: {
    to: `user-${index}@example.com`,
    template: 'welcome' as const,
    data: { name: `User ${index}`, activationUrl: `https://app.example.com/activate/${index}` },
  },
});

export const welcomeEmails = (count: number) => Array.from({ length: count }, (_, index) => welcomeEmail(index));

export const report = {
  title: 'Quarterly sales',
  columns: [
    { key: 'city', label: 'City' },
    { key: 'sales', label: 'Sales' },
  ],
  rows: [
    { city: 'Lyon', sales: 3 },
    { city: 'Nantes', sales: 5 },
  ],
};
