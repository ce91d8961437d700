/**
 * Search as you type (UX 2): words only (digits are most likely a scanner still typing), after a
 * pause, so a scanner's burst never triggers a search; an answer that arrives after newer typing
 * is dropped. Arrow keys move the highlight through the matches.
 */
import { useEffect, useRef, useState } from 'react';
import type { ProductRecord } from '@payme/shared';
import { readSearchEntry } from '../../state/scan-entry.js';
import { search_results_max, type ProductFinder } from './find-product.js';

/** Type-ahead waits this long after the last key. */
export const type_ahead_delay_ms = 120;
/** A term shorter than this does not search as you type. */
const type_ahead_term_length_min = 2;

export interface TypeAhead {
  results: ProductRecord[];
  highlight: number;
  /** The text changed: search it after the pause, or clear the matches. */
  typed(value: string): void;
  /** Shows these matches, the first highlighted (Enter found several). */
  show(products: ProductRecord[]): void;
  moveHighlight(by: 1 | -1): void;
  clear(): void;
}

export function useTypeAhead(till: ProductFinder, onError: (error: unknown) => void): TypeAhead {
  const [results, setResults] = useState<ProductRecord[]>([]);
  const [highlight, setHighlight] = useState(-1);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const searchSeq = useRef(0);
  useEffect(() => () => clearTimeout(timer.current), []);

  const show = (products: ProductRecord[]) => {
    setResults(products);
    setHighlight(products.length > 0 ? 0 : -1);
  };
  const clear = () => {
    clearTimeout(timer.current);
    searchSeq.current += 1;
    show([]);
  };
  const typed = (value: string) => {
    clearTimeout(timer.current);
    const { term } = readSearchEntry(value);
    if (term.length < type_ahead_term_length_min || !/[a-zA-Z]/.test(term)) return show([]);
    const seq = ++searchSeq.current;
    timer.current = setTimeout(() => {
      till.searchProducts({ query: term, limit: search_results_max }).then(({ products }) => {
        if (seq === searchSeq.current) show(products);
      }, onError);
    }, type_ahead_delay_ms);
  };
  const moveHighlight = (by: 1 | -1) => setHighlight((h) => (h + by + results.length) % results.length);
  return { results, highlight, typed, show, moveHighlight, clear };
}
