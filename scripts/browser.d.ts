import type { Browser, LaunchOptions } from 'puppeteer-core';
export const CHROMIUM: string;
export function launch(opts?: LaunchOptions): Promise<Browser>;
