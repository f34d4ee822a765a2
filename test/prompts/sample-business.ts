/** Inline business data for the prompt, answer and bench tests (a fictional bakery). */
export const SAMPLE_BUSINESS_RAW = {
  name: 'Sunny Crust Bakery',
  names: {
    ru: 'пекарня «Солнечная корочка»',
    uk: 'пекарня «Сонячна скоринка»',
    he: 'מאפיית הקרום השמשי',
  },
  kind: 'bakery',
  phone: '+1 555 0142',
  address: '12 Harbor Street, Portsmouth',
  hours: [
    { days: 'Mon-Fri', open: '07:00', close: '19:00' },
    { days: 'Sat', open: '08:00', close: '16:00' },
    { days: 'Sun', closed: true },
  ],
  languages: ['en', 'ru', 'uk', 'he'],
  description:
    'A family bakery since 1998: sourdough and rye breads, pastries, celebration cakes made to order, and coffee. Everything is baked on site every morning.',
  policies: {
    orders: 'Cake orders need 48 hours notice and a 20% deposit paid in the shop.',
    delivery: 'Delivery within 5 km for orders over $30; otherwise pickup in the shop.',
    allergens:
      'All products may contain traces of nuts, gluten, eggs and milk. Gluten-free bread is baked on Tuesdays and Fridays.',
    returns: 'Unopened packaged goods can be returned on the same day with the receipt.',
    payment: 'Cash and cards in the shop; no payments over the phone.',
  },
  website: 'sunnycrust.example',
};
