/** An in-memory table of JSON:API rows, kept in id order so keyset pagination is cheap. */
import type { Row } from "../jsonapi.js";

export class Table<R extends Row> {
  private readonly rows = new Map<string, R>();

  constructor(readonly type: string) {}

  get size(): number {
    return this.rows.size;
  }

  get(id: string): R | undefined {
    return this.rows.get(id);
  }

  has(id: string): boolean {
    return this.rows.has(id);
  }

  insert(row: R): R {
    this.rows.set(row.id, row);
    return row;
  }

  delete(id: string): boolean {
    return this.rows.delete(id);
  }

  values(): IterableIterator<R> {
    return this.rows.values();
  }

  find(pred: (r: R) => boolean): R | undefined {
    for (const r of this.rows.values()) if (pred(r)) return r;
    return undefined;
  }

  clear(): void {
    this.rows.clear();
  }
}
