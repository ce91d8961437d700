import { describe, expect, it } from 'vitest';
import { fireEvent, screen, within } from '@testing-library/react';
import { renderTill } from '../../testing/render-till.js';
import { ids } from '../../testing/fake-fixtures.js';

function scanInto(code: string) {
  const input = screen.getByLabelText('Scan or type a product');
  fireEvent.change(input, { target: { value: code } });
  fireEvent.submit(input.closest('form')!);
}

describe('stock', () => {
  it('receives a delivery by scanning: a repeat scan adds one', async () => {
    const { fake } = renderTill();
    fireEvent.click(screen.getByRole('button', { name: 'Stock' }));
    scanInto('6001087011111');
    await screen.findByDisplayValue('1');
    scanInto('6001087011111');
    await screen.findByDisplayValue('2');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Delivery saved: 1 products.');
    expect(fake.callsOf('receiveStock')[0]?.lines).toEqual([{ product_id: ids.soap, quantity: 2 }]);
    expect(fake.products[0]?.on_hand).toBe(42);
  });

  it('adjusts with a reason; taking stock off asks a manager', async () => {
    const { fake } = renderTill();
    fireEvent.click(screen.getByRole('button', { name: 'Stock' }));
    fireEvent.click(screen.getByRole('tab', { name: 'Adjust' }));
    scanInto('6161100422222');
    fireEvent.change(await screen.findByLabelText('Change (−3 removes three)'), { target: { value: '-2' } });
    fireEvent.change(screen.getByLabelText('Reason'), { target: { value: 'expired' } });
    fireEvent.submit(screen.getByLabelText('Note').closest('form')!);
    const prompt = await screen.findByRole('dialog', { name: 'Manager approval' });
    fireEvent.change(within(prompt).getByLabelText('Manager PIN'), { target: { value: '9876' } });
    fireEvent.submit(within(prompt).getByLabelText('Manager PIN').closest('form')!);
    await screen.findByText('Brookside Milk 500ml: now 22 on hand.');
    expect(fake.callsOf('adjustStock').at(-1)).toMatchObject({ delta: -2, reason_code: 'expired', reason: 'Expired' });
  });

  it('counts a shelf against what the till expects', async () => {
    const { fake } = renderTill();
    fireEvent.click(screen.getByRole('button', { name: 'Stock' }));
    fireEvent.click(screen.getByRole('tab', { name: 'Count a shelf' }));
    scanInto('SUGAR-KG');
    fireEvent.change(await screen.findByLabelText('Sugar (loose) Quantity'), { target: { value: '48.5' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Count saved: 1 products, 1 different from the till.');
    expect(fake.callsOf('countStock')[0]?.lines).toEqual([{ product_id: ids.sugar, expected: 50_000, counted: 48_500 }]);
  });
});
