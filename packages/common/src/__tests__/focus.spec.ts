import { focusByKey } from '../focus';

describe('focusByKey', () => {
  let items: HTMLElement[];
  beforeEach(() => {
    document.body.replaceChildren();
    items = ['a', 'b', 'c'].map(name => {
      const item = document.createElement('div');
      item.tabIndex = 0;
      item.textContent = name;
      document.body.appendChild(item);
      return item;
    });
  });

  it('moves with the arrows, Home and End, and stays in the list', () => {
    items[1].focus();
    expect(focusByKey(items, items[1], 'ArrowDown')).toBe(true);
    expect(document.activeElement).toBe(items[2]);
    expect(focusByKey(items, items[2], 'ArrowDown')).toBe(true);
    expect(document.activeElement).toBe(items[2]);
    expect(focusByKey(items, items[2], 'Home')).toBe(true);
    expect(document.activeElement).toBe(items[0]);
    expect(focusByKey(items, items[0], 'ArrowUp')).toBe(true);
    expect(document.activeElement).toBe(items[0]);
    expect(focusByKey(items, items[0], 'End')).toBe(true);
    expect(document.activeElement).toBe(items[2]);
  });

  it('leaves other keys and an empty list alone', () => {
    items[1].focus();
    expect(focusByKey(items, items[1], 'Enter')).toBe(false);
    expect(focusByKey([], items[1], 'ArrowDown')).toBe(false);
    expect(document.activeElement).toBe(items[1]);
  });
});
