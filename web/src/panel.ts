/**
 * The side panel, shared by the line detail (permalink, pretty JSON) and history search results.
 * Content is built from nodes by the caller; the panel only opens, titles and closes.
 */
import { el } from './dom.js'

export class Panel {
  private readonly root = el('panel')
  private readonly title = this.root.querySelector('.panel-title') as HTMLElement
  private readonly body = this.root.querySelector('.panel-body') as HTMLElement

  constructor() {
    this.root.querySelector('.panel-close')?.addEventListener('click', () => this.close())
  }

  get isOpen(): boolean {
    return !this.root.hidden
  }

  open(title: string, ...nodes: Node[]): HTMLElement {
    this.title.textContent = title
    this.body.replaceChildren(...nodes)
    this.root.hidden = false
    return this.body
  }

  close(): void {
    this.root.hidden = true
    this.body.replaceChildren()
  }
}
