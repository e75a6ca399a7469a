/**
 * Repairs, in the page as GraphiQL draws it, what WCAG 2.1 AA (and axe-core) find wrong with its
 * tabs: each `role="tab"` holds two buttons (open and close), and a tab may not hold interactive
 * controls (nested-interactive). The tab bar becomes a plain list of buttons, the open tab's button
 * marked `aria-current`, which screen readers announce as the current one. Redone whenever GraphiQL
 * redraws the tabs.
 */
export function repairTabs(root: HTMLElement): MutationObserver {
  const repair = () => {
    for (const list of root.querySelectorAll('ul[role="tablist"]')) list.removeAttribute('role');
    for (const tab of root.querySelectorAll<HTMLElement>('li.graphiql-tab')) {
      if (tab.hasAttribute('role')) tab.removeAttribute('role');
      if (tab.hasAttribute('aria-selected')) tab.removeAttribute('aria-selected');
      const button = tab.querySelector('.graphiql-tab-button');
      const current = tab.classList.contains('graphiql-tab-active');
      if (button && (button.getAttribute('aria-current') === 'true') !== current) {
        if (current) button.setAttribute('aria-current', 'true');
        else button.removeAttribute('aria-current');
      }
    }
  };
  const observer = new MutationObserver(repair);
  observer.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['role', 'aria-selected', 'class'] });
  repair();
  return observer;
}
